import Foundation

/// The standard normal distribution N(0, 1).
///
/// All functions return NaN for NaN input; callers validate arguments.
public enum Normal {
    /// 1/√2 split into a double-double (hi + lo) so that x/√2 can be formed
    /// with its rounding error known exactly.
    private static let invSqrt2Hi = 0.707_106_781_186_547_57
    private static let invSqrt2Lo = -4.833_646_656_726_457_23e-17
    /// 2/√π.
    private static let twoOverSqrtPi = 1.128_379_167_095_512_573_90

    /// Φ(x), the lower-tail probability P(Z ≤ x).
    ///
    /// Evaluated as ½·erfc(-x/√2) with the libm `erfc`, which keeps relative
    /// accuracy deep into the lower tail (down to ~1e-308).  The rounding of
    /// the argument -x/√2 would by itself cost a relative error of about
    /// 2z²·1e-16 at z = |x|/√2 (≈1e-13 at x = -37), so it is corrected with a
    /// first-order Taylor term using the exactly known rounding error.
    public static func cdf(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        return 0.5 * erfcExact(scaledBy: -x)
    }

    /// 1 - Φ(x) = Φ(-x), computed directly (never as 1 - Φ(x)) so that upper
    /// tail p-values keep full relative accuracy.
    public static func survival(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        return 0.5 * erfcExact(scaledBy: x)
    }

    /// Standard normal density φ(x).
    static func density(_ x: Double) -> Double {
        exp(-0.5 * x * x) / 2.506_628_274_631_000_502_42
    }

    /// erfc(v/√2) with the rounding error of v/√2 compensated.
    private static func erfcExact(scaledBy v: Double) -> Double {
        if v.isInfinite { return v > 0 ? 0 : 2 }
        let z = v * invSqrt2Hi
        // Exact residual of the product plus the tail of 1/√2: z + dz = v/√2.
        let dz = (-z).addingProduct(v, invSqrt2Hi) + v * invSqrt2Lo
        let base = erfc(z)
        if dz == 0 || base == 0 { return base }
        // erfc'(z) = -2/√π·exp(-z²)
        return base - dz * twoOverSqrtPi * exp(-z * z)
    }

    /// Φ⁻¹(p), the normal quantile.
    ///
    /// Wichura's AS 241 (PPND16, rational approximations accurate to ~1e-16)
    /// followed by one Halley step on the accurate `cdf` (or `survival` for
    /// p > ½, using the exact complement 1 - p), which removes the last ulps of
    /// error.  p = 0 → -∞, p = 1 → +∞, p outside [0, 1] or NaN → NaN.
    public static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        let x0 = as241(p)
        guard x0.isFinite else { return x0 }
        // Residual of the smaller tail, which is known to full relative precision.
        let residual: Double
        if p < 0.5 {
            residual = cdf(x0) - p
        } else {
            residual = (1 - p) - survival(x0)
        }
        let phi = density(x0)
        guard phi > 0 else { return x0 }
        let dx = residual / phi
        // Halley: x1 = x0 - dx / (1 + x0·dx/2), using φ'/φ = -x.
        return x0 - dx / (1 + 0.5 * x0 * dx)
    }

    /// Algorithm AS 241 (Wichura 1988), PPND16.
    static func as241(_ p: Double) -> Double {
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let num = (((((((2.509_080_928_730_122_672_7e3 * r + 3.343_057_558_358_812_810_5e4) * r
                + 6.726_577_092_700_870_085_3e4) * r + 4.592_195_393_154_987_145_7e4) * r
                + 1.373_169_376_550_946_112_5e4) * r + 1.971_590_950_306_551_442_7e3) * r
                + 1.331_416_678_917_843_774_5e2) * r + 3.387_132_872_796_366_608_0)
            let den = (((((((5.226_495_278_852_854_561_0e3 * r + 2.872_908_573_572_194_267_4e4) * r
                + 3.930_789_580_009_271_061_0e4) * r + 2.121_379_430_158_659_586_7e4) * r
                + 5.394_196_021_424_751_107_7e3) * r + 6.871_870_074_920_579_083_0e2) * r
                + 4.231_333_070_160_091_125_2e1) * r + 1.0)
            return q * num / den
        }
        var r = q < 0 ? p : 1 - p
        r = sqrt(-log(r))
        var value: Double
        if r <= 5 {
            r -= 1.6
            let num = (((((((7.745_450_142_783_414_076_40e-4 * r + 2.272_384_498_926_918_458_33e-2) * r
                + 2.417_807_251_774_506_117_70e-1) * r + 1.270_458_252_452_368_382_58) * r
                + 3.647_848_324_763_204_605_04) * r + 5.769_497_221_460_691_405_50) * r
                + 4.630_337_846_156_545_295_90) * r + 1.423_437_110_749_683_577_34)
            let den = (((((((1.050_750_071_644_416_843_24e-9 * r + 5.475_938_084_995_344_946_00e-4) * r
                + 1.519_866_656_361_645_719_66e-2) * r + 1.481_039_764_274_800_745_90e-1) * r
                + 6.897_673_349_851_000_045_50e-1) * r + 1.676_384_830_183_803_849_40) * r
                + 2.053_191_626_637_758_821_87) * r + 1.0)
            value = num / den
        } else {
            r -= 5
            let num = (((((((2.010_334_399_292_288_132_65e-7 * r + 2.711_555_568_743_487_578_15e-5) * r
                + 1.242_660_947_388_078_438_60e-3) * r + 2.653_218_952_657_612_309_30e-2) * r
                + 2.965_605_718_285_048_912_30e-1) * r + 1.784_826_539_917_291_335_80) * r
                + 5.463_784_911_164_114_369_90) * r + 6.657_904_643_501_103_777_20)
            let den = (((((((2.044_263_103_389_939_785_64e-15 * r + 1.421_511_758_316_445_888_70e-7) * r
                + 1.846_318_317_510_054_681_80e-5) * r + 7.868_691_311_456_132_591_00e-4) * r
                + 1.487_536_129_085_061_485_25e-2) * r + 1.369_298_809_227_358_053_10e-1) * r
                + 5.998_322_065_558_879_376_90e-1) * r + 1.0)
            value = num / den
        }
        return q < 0 ? -value : value
    }
}
