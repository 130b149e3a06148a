import CLapack

/// The few BLAS kernels the regression engine needs, on column-major matrices.
enum Blas {
    private static let upper = CChar(UInt8(ascii: "U"))
    private static let transpose = CChar(UInt8(ascii: "T"))
    private static let noTranspose = CChar(UInt8(ascii: "N"))

    /// A'A (p × p, full, row-major = column-major since symmetric) of an n × p matrix.
    static func gram(_ a: [Double], rows n: Int, columns p: Int) -> [Double] {
        var gram = [Double](repeating: 0, count: p * p)
        var uplo = upper, trans = transpose
        var nn = Int32(n), pp = Int32(p), one = 1.0, zero = 0.0
        dsyrk_(&uplo, &trans, &pp, &nn, &one, a, &nn, &zero, &gram, &pp)
        for j in 0..<p { for i in 0..<j { gram[i * p + j] = gram[j * p + i] } }
        return gram
    }

    /// A'v.
    static func transposedProduct(_ a: [Double], rows n: Int, columns p: Int, vector v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: p)
        var trans = transpose
        var nn = Int32(n), pp = Int32(p), one = 1.0, zero = 0.0, inc: Int32 = 1
        dgemv_(&trans, &nn, &pp, &one, a, &nn, v, &inc, &zero, &out, &inc)
        return out
    }

    /// y − Aβ.
    static func residual(_ a: [Double], rows n: Int, columns p: Int, coefficients beta: [Double], response y: [Double]) -> [Double] {
        var out = y
        var trans = noTranspose
        var nn = Int32(n), pp = Int32(p), minusOne = -1.0, one = 1.0, inc: Int32 = 1
        let finite = beta.map { $0.isNaN ? 0 : $0 }
        dgemv_(&trans, &nn, &pp, &minusOne, a, &nn, finite, &inc, &one, &out, &inc)
        return out
    }
}
