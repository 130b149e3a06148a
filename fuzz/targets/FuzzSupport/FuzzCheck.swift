import StatsEngine

/// What every fuzz target accepts from the code under test: a value, or a `DisparityError`
/// whose message is one line of at most `FuzzCheck.longestMessage` characters. Any other error
/// stops the fuzzer (a trap is a finding, and libFuzzer keeps the input).
public enum FuzzCheck {
    /// The longest acceptable error message: a short line even when the input quotes a
    /// megabyte cell, formula or key.
    public static let longestMessage = 300

    /// Runs `body`, trapping when it throws anything but a short one-line `DisparityError`.
    public static func outcome(_ body: () throws -> Void) {
        do { try body() } catch let error as DisparityError {
            let message = error.message
            precondition(!message.contains(where: \.isNewline), "a multi-line error: \(message.prefix(1000))")
            precondition(message.count <= longestMessage, "an error of \(message.count) characters: \(message.prefix(1000))")
        } catch {
            preconditionFailure("not a DisparityError: \(String(describing: error).prefix(1000))")
        }
    }
}
