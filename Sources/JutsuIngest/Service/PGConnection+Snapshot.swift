import JutsuStore

extension PGConnection {
    /// Runs `body` in a read-only REPEATABLE READ transaction, so every query of a page or a
    /// scrape sees the same snapshot (run counts agree with row counts, a run that finishes
    /// mid-scrape is counted once). Rolled back at the end: nothing is written.
    func readSnapshot<R>(_ body: () throws(StoreError) -> R) throws(StoreError) -> R {
        try execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", context: "read snapshot")
        do {
            let result = try body()
            try execute("ROLLBACK", context: "read snapshot end")
            return result
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }
}
