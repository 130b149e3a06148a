import StatsEngine

/// What every fuzz check accepts from the code under test: a value, or a `DisparityError`
/// whose message is one line of at most `FuzzCheck.longestMessage` characters. Anything else is
/// a finding: another error here, a trap in the code under test (which stops the process: the
/// fuzzer keeps the input, the test replaying it fails).
public enum FuzzCheck {
    /// The longest acceptable error message: a short line even when the input quotes a
    /// megabyte cell, formula or key.
    public static let longestMessage = 300

    /// The finding of running `body` (nil when it gives a value or a short one-line
    /// `DisparityError`).
    public static func finding(_ body: () throws -> Void) -> String? {
        do { try body() } catch let error as DisparityError {
            let message = error.message
            if message.contains(where: \.isNewline) { return "a multi-line error: \(message.prefix(1000))" }
            if message.count > longestMessage { return "an error of \(message.count) characters: \(message.prefix(1000))" }
        } catch {
            return "not a DisparityError: \(String(describing: error).prefix(1000))"
        }
        return nil
    }
}
