import JutsuCore

/// What a load may do to bars already stored (a pipeline's `load.mode` and
/// `load.source_priority`). New keys are always inserted; identical rows are always unchanged.
public struct LoadPolicy: Sendable, Equatable {
    /// false (`load.mode: append`): a stored key is never changed; a row with other values is
    /// rejected `exists`.
    public var updatesStored: Bool
    /// Data source names, most trusted first. A stored bar from a source ranked before the
    /// incoming one is kept; the incoming row is rejected `source_priority`. Unlisted sources
    /// rank after every listed one; equal ranks: the newer row wins.
    public var sourcePriority: [String]
    /// `load.mode: replace_range`: every key read is remembered (server-side, in a session
    /// temp table) so `BatchLoader.deleteUnread` can remove stored bars the source no longer has.
    public var recordsKeys: Bool

    public init(updatesStored: Bool = true, sourcePriority: [String] = [], recordsKeys: Bool = false) {
        self.updatesStored = updatesStored
        self.sourcePriority = sourcePriority
        self.recordsKeys = recordsKeys
    }

    func rank(_ source: String) -> Int { sourcePriority.firstIndex(of: source) ?? sourcePriority.count }

    /// Why a changed row from `incoming` must not replace the stored row from `storedSource`; nil if it may.
    func refusal(storedSource: String, incoming: String) -> RejectReason? {
        if !updatesStored { return .exists }
        if rank(storedSource) < rank(incoming) { return .sourcePriority }
        return nil
    }

    func message(_ reason: RejectReason, key: SeriesKey, ts: Int64, storedSource: String, stored: Bar) -> String {
        let at = "\(key) \(UnixTime.iso8601(ts))"
        switch reason {
        case .exists:
            return "\(at) is already stored with other values (\(stored.recordText), from \(storedSource)); load.mode append keeps stored bars"
        default:
            return "\(at) is stored from \(storedSource), ranked before this source in load.source_priority; kept (\(stored.recordText))"
        }
    }
}
