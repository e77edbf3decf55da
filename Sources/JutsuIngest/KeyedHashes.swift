/// The bar keys of one series seen so far, each with the hash of the row that holds it, in
/// about 16 bytes a key: legacy series are written in time order, so keys mostly arrive
/// ascending and go to two parallel sorted arrays (found by binary search); a key that arrives
/// out of order goes to a small dictionary. A `Dictionary` of every key took twice the memory
/// and, while growing, three times (measured on a 443,000-row series).
struct KeyedHashes {
    private var keys: [Int64] = []
    private var hashes: [UInt64] = []
    private var outOfOrder: [Int64: UInt64] = [:]

    init(capacity: Int = 0) {
        keys.reserveCapacity(capacity)
        hashes.reserveCapacity(capacity)
    }

    var count: Int { keys.count + outOfOrder.count }
    var isEmpty: Bool { count == 0 }

    subscript(ts: Int64) -> UInt64? {
        get {
            if let last = keys.last, ts > last { return outOfOrder.isEmpty ? nil : outOfOrder[ts] }
            if let i = index(of: ts) { return hashes[i] }
            return outOfOrder.isEmpty ? nil : outOfOrder[ts]
        }
        set {
            guard let hash = newValue else { return }   // keys are never removed
            if keys.isEmpty || ts > keys[keys.count - 1] {
                if outOfOrder.isEmpty || outOfOrder[ts] == nil {
                    keys.append(ts)
                    hashes.append(hash)
                    return
                }
            } else if let i = index(of: ts) {
                hashes[i] = hash
                return
            }
            outOfOrder[ts] = hash
        }
    }

    private func index(of ts: Int64) -> Int? {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if keys[mid] < ts { lo = mid + 1 } else { hi = mid }
        }
        return lo < keys.count && keys[lo] == ts ? lo : nil
    }

    /// Every key with its hash (no order).
    func forEach(_ body: (Int64, UInt64) -> Void) {
        for i in keys.indices { body(keys[i], hashes[i]) }
        for (ts, h) in outOfOrder { body(ts, h) }
    }

    var allKeys: Set<Int64> {
        var s = Set<Int64>(minimumCapacity: count)
        forEach { ts, _ in s.insert(ts) }
        return s
    }
}
