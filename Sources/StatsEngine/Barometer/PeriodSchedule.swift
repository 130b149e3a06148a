/// The periods a barometer follows, in time order (`2010`, `2011H1`, …, `2014H2`), the baseline
/// among them, and the column that holds each data row's period. Data sets come at their own
/// pace — registers every half year, surveys once a year — so a measure evaluated at a period
/// uses its data's latest wave at or before it.
public struct PeriodSchedule: Sendable, Equatable {
    /// The column of every goal's data that holds the row's period label.
    public var column: String
    /// Every period label, earliest first.
    public var order: [String]
    /// The period every change is measured from.
    public var baseline: String

    /// - Throws: `DisparityError.usage` when the order is empty, repeats a label or lacks the baseline.
    public init(column: String, order: [String], baseline: String) throws {
        guard !order.isEmpty else { throw DisparityError.usage("'order' lists no periods") }
        guard Set(order).count == order.count else { throw DisparityError.usage("'order' lists a period twice") }
        guard order.contains(baseline) else {
            throw DisparityError.usage("the baseline \(quoted: baseline) is not in 'order' (\(listed: order))")
        }
        self.column = column
        self.order = order
        self.baseline = baseline
    }

    /// The position of `period` in time; nil for a label the schedule does not know.
    public func position(_ period: String) -> Int? { order.firstIndex(of: period) }

    /// The latest of `available` at or before `period` (nil when there is none).
    public func latest(atOrBefore period: String, among available: Set<String>) -> String? {
        guard let end = position(period) else { return nil }
        return order[...end].last { available.contains($0) }
    }

    /// The latest of `available` strictly before `period`.
    public func latest(before period: String, among available: Set<String>) -> String? {
        guard let end = position(period), end > 0 else { return nil }
        return order[..<end].last { available.contains($0) }
    }

    /// `period` checked against the schedule (the last period when nil).
    /// - Throws: `DisparityError.usage` naming the known periods for an unknown label.
    public func resolve(_ period: String?) throws -> String {
        guard let period else { return order.last! }
        guard position(period) != nil else {
            throw DisparityError.usage("--period \(quoted: period) is not a period of the configuration (\(listed: order))\(NearestName.hint(for: period, among: order))")
        }
        return period
    }
}
