import CVectorMath
import Foundation
import XCTest
@testable import StatsEngine

/// glibc's vector exp and log (`CVectorMath`) at every width this processor runs (libm's
/// scalar functions, two values and, with AVX2, four), against libm value by value.
final class VectorMathTests: XCTestCase {
    /// The widths `disparity_map_width` takes here.
    private var widths: [Int32] { disparity_vector_width() == 4 ? [1, 2, 4] : disparity_vector_width() == 2 ? [1, 2] : [1] }

    private func map(_ function: disparity_function, _ x: [Double], width: Int32) -> [Double] {
        var y = [Double](repeating: .nan, count: x.count)
        y.withUnsafeMutableBufferPointer { disparity_map_width(function, x, $0.baseAddress!, x.count, width) }
        return y
    }

    /// The distance in units in the last place between two doubles of the same sign.
    private func ulps(_ a: Double, _ b: Double) -> UInt64 {
        let (i, j) = (a.bitPattern, b.bitPattern)
        return i > j ? i - j : j - i
    }

    /// Each width's results are within 4 ulp of libm's (glibc's bound for libmvec), and equal
    /// where the result is not finite or exact: exp(0) = 1, log(1) = 0, log(0) = −∞, exp of a
    /// large argument +∞ and of a very negative one 0, log of a negative number NaN.
    func testEveryWidthIsWithinFourUlpOfLibm() {
        var rng = SplitMix64(seed: 5)
        let special: [Double] = [0, -0.0, 1, -1, 709, 710, -745, -746, 1e-310, .infinity, -.infinity, .nan, 2.5e-308, 0.5, 2]
        let arguments = special + (0..<4_001).map { _ in (rng.uniform() - 0.5) * 1_400 }
        let positives = special + (0..<4_001).map { _ in exp((rng.uniform() - 0.5) * 1_400) }
        for width in widths {
            for (function, x, name) in [(disparity_exp, arguments, "exp"), (disparity_log, positives, "log")] {
                let y = map(function, x, width: width)
                for (i, v) in x.enumerated() {
                    let expected = function == disparity_exp ? exp(v) : log(v)
                    let label = "\(name)(\(v)) at width \(width): \(y[i]) against libm's \(expected)"
                    if !expected.isFinite || expected == 0 || expected == 1 {
                        XCTAssertTrue(y[i] == expected || (y[i].isNaN && expected.isNaN), label)
                    } else {
                        XCTAssertEqual(y[i].sign, expected.sign, label)
                        XCTAssertLessThanOrEqual(ulps(y[i], expected), 4, label)
                    }
                }
            }
        }
    }

    /// A value's result does not depend on its place: in a last partial vector (padded) it is
    /// the value it has in a full one, for every length up to three vectors.
    func testResultsDoNotDependOnTheirPlace() {
        var rng = SplitMix64(seed: 9)
        let x = (0..<12).map { _ in rng.uniform() * 10 }
        for width in widths {
            for function in [disparity_exp, disparity_log] {
                let whole = map(function, x, width: width)
                for n in 1...x.count {
                    for start in 0..<(x.count - n + 1) {
                        let part = map(function, Array(x[start..<(start + n)]), width: width)
                        XCTAssertEqual(part, Array(whole[start..<(start + n)]), "width \(width), \(n) values from \(start)")
                    }
                }
            }
        }
    }

    /// The processor's width is the one the engine's passes take, and a processor with AVX2
    /// takes four values at a time.
    func testTheWidestVectorIsChosenAtRunTime() {
        #if arch(x86_64) && os(Linux)
        let avx2 = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("flags") }?.split(separator: " ").contains("avx2") ?? false
        XCTAssertEqual(disparity_vector_width(), avx2 ? 4 : 2)
        #else
        XCTAssertEqual(disparity_vector_width(), 1)
        #endif
    }
}
