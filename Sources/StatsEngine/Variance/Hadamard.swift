import Foundation

/// The Hadamard matrices R survey's BRR uses (`hadamard()` in R/surveyrep.R with R/paley.R,
/// survey 4.1.1): for `n` strata, the matrix R picks for `n` — one of its four stored matrices
/// (orders 4, 16, 28, 36, the `hadamard.list` of its sysdata), a Paley construction on a prime
/// p ≡ 3 (mod 4), or a stored or Paley matrix doubled by Sylvester's rule — so that BRR
/// replicates made here equal R's. Entries are 0/1, the first row all ones; replicate j uses
/// column j, and stratum i row i + 1.
struct HadamardMatrix: Equatable {
    /// The order (rows = columns = replicates).
    let order: Int
    /// The entries, row-major, 0 or 1.
    let entries: [UInt8]

    /// Entry (row, column), both from 0.
    subscript(row: Int, column: Int) -> UInt8 { entries[row * order + column] }

    /// How R builds the matrix for `n` strata, without building it.
    enum Recipe: Equatable {
        /// Stored matrix `index` of `stored`, doubled `doublings` times.
        case stored(index: Int, doublings: Int)
        /// Paley's matrix of order p + 1 for the prime p, doubled `doublings` times.
        case paley(prime: Int, doublings: Int)

        /// The order of the matrix it makes.
        var order: Int {
            switch self {
            case let .stored(index, doublings): return HadamardMatrix.storedOrders[index] << doublings
            case let .paley(prime, doublings): return (prime + 1) << doublings
            }
        }
    }

    /// The largest order made: larger ones (16,384 strata or more) are refused.
    static let largestOrder = 16_384

    /// R's matrix for `n` strata (R's `hadamard(n)`).
    /// - Throws: `DisparityError.usage` when the order exceeds `largestOrder`.
    init(strata n: Int) throws {
        let recipe = Self.recipe(strata: n)
        guard recipe.order <= Self.largestOrder else {
            throw DisparityError.usage("--make-replicates brr: \(n) strata need a Hadamard matrix of order \(recipe.order); orders above \(Self.largestOrder) are not supported")
        }
        self.init(recipe)
    }

    /// The matrix a recipe makes.
    init(_ recipe: Recipe) {
        var (order, entries, doublings): (Int, [UInt8], Int)
        switch recipe {
        case let .stored(index, d):
            order = Self.storedOrders[index]
            entries = Self.stored[index].flatMap { $0.utf8.map { $0 == UInt8(ascii: "1") ? 1 : 0 } }
            doublings = d
        case let .paley(p, d):
            (order, entries) = Self.paley(prime: p)
            doublings = d
        }
        for _ in 0..<doublings { (order, entries) = Self.doubled(order, entries) }
        self.order = order
        self.entries = entries
    }

    /// R's `hadamard(n)`: the smallest stored order above the multiple of 4 at or below n, when
    /// within 4 of it; else, of the stored orders doubled until they exceed n, the closest
    /// (the first on ties), replaced by a Paley matrix when that leaves more than 4 spare rows
    /// and `paley()` finds one.
    static func recipe(strata n: Int) -> Recipe {
        let m = n - n % 4
        if let k = storedOrders.indices.first(where: { m < storedOrders[$0] && m + 4 >= storedOrders[$0] }) {
            return .stored(index: k, doublings: 0)
        }
        if storedOrders.allSatisfy({ m < $0 }) { return .stored(index: 0, doublings: 0) }
        let doublings = storedOrders.map { size in max(0, Int(log2(Double(n + 1) / Double(size)).rounded(.up))) }
        let sizes = zip(storedOrders, doublings).map { $0 << $1 }
        let best = sizes.indices.min { sizes[$0] - n < sizes[$1] - n }!
        if sizes[best] - n > 4, let paley = paleyRecipe(n, largest: sizes[best]) { return paley }
        return .stored(index: best, doublings: doublings[best])
    }

    /// R's `paley(n, nmax)`: nil where R's returns NULL.
    private static func paleyRecipe(_ n: Int, largest nmax: Int) -> Recipe? {
        let nceil = n + 4 - n % 4
        if n % 4 + 4 == n % 8 {
            var nn = nceil
            while nn % 8 == 0 { nn /= 2 }
            if paleyPrimes.contains(nn - 1) {
                var doublings = 0
                while nn << doublings < nceil { doublings += 1 }
                return .paley(prime: nn - 1, doublings: doublings)
            }
        }
        guard n <= paleyPrimes.last!, let p = paleyPrimes.first(where: { $0 >= n }) else { return nil }
        if p + 1 > nceil + 4, nceil + 4 < nmax { return paleyRecipe(nceil + 3, largest: 2 * (nceil + 3)) }
        return p > nmax ? nil : .paley(prime: p, doublings: 0)
    }

    /// Paley's construction on GF(p), as R's: a border of ones around the p × p matrix whose
    /// (i, j) entry is 0 where (i + j) mod p is 0 or a quadratic residue, else 1.
    private static func paley(prime p: Int) -> (Int, [UInt8]) {
        var residue = [Bool](repeating: false, count: p)
        residue[0] = true
        for i in 1...max(1, (p - 1) / 2) { residue[(i * i) % p] = true }
        let order = p + 1
        var entries = [UInt8](repeating: 1, count: order * order)
        for i in 0..<p {
            for j in 0..<p where residue[(i + j) % p] { entries[(i + 1) * order + j + 1] = 0 }
        }
        return (order, entries)
    }

    /// R's `hadamard.doubler`: [[H, H], [H, 1 − H]].
    private static func doubled(_ order: Int, _ h: [UInt8]) -> (Int, [UInt8]) {
        let size = 2 * order
        var out = [UInt8](repeating: 0, count: size * size)
        for i in 0..<order {
            for j in 0..<order {
                let v = h[i * order + j]
                out[i * size + j] = v
                out[i * size + j + order] = v
                out[(i + order) * size + j] = v
                out[(i + order) * size + j + order] = 1 - v
            }
        }
        return (size, out)
    }

    /// The primes p ≡ 3 (mod 4) up to 7919 that R's `paley()` knows (its `small.primes`).
    static let paleyPrimes: [Int] = (3...7919).filter { (p: Int) -> Bool in
        guard p % 4 == 3 else { return false }
        var d = 3
        while d * d <= p {
            if p % d == 0 { return false }
            d += 2
        }
        return true
    }

    /// The orders of R's stored matrices.
    static let storedOrders = [4, 16, 28, 36]

    /// R survey's stored matrices (`hadamard.list` in its sysdata.rda), row by row.
    static let stored: [[String]] = [
        [
            "1111",
            "1010",
            "1100",
            "1001",
        ],
        [
            "1111111111111111",
            "1010101010101010",
            "1100110011001100",
            "1001100110011001",
            "1111000011110000",
            "1010010110100101",
            "1100001111000011",
            "1001011010010110",
            "1111111100000000",
            "1010101001010101",
            "1100110000110011",
            "1001100101100110",
            "1111000000001111",
            "1010010101011010",
            "1100001100111100",
            "1001011001101001",
        ],
        [
            "1111111111111111111111111111",
            "1001110001110001110001111000",
            "1000001111001101001101111000",
            "1000001110110010111001100110",
            "1001101000001111100011010110",
            "1001010100101100010110101110",
            "1000110011010010001110011110",
            "0101100010101010011111110000",
            "0100010110110101100111010100",
            "0100011011001011110010101100",
            "0101011000010111011101001010",
            "0100101101100100111010011010",
            "0101100101011001101100100110",
            "0010110100011110101011101000",
            "0011011001100110101100110100",
            "0010101100111011010100011100",
            "0011000111010111010010110010",
            "0011001011111000100111001010",
            "0010110011101101011001000110",
            "1110101001010100010111100100",
            "1111000101100011001011001100",
            "1111000010011100111000011100",
            "1110010101001010110101010010",
            "1110011000111001001010110010",
            "1110100010100111100100101010",
            "1101111111111110000000000000",
            "1011111110000001111110000000",
            "0111111110000000000001111110",
        ],
        [
            "111111111111111111111111111111111111",
            "010111000111110111001000010101100100",
            "101110001111101110010000101011001000",
            "011100011111011100100001010110010010",
            "111000111110111001000010101100100100",
            "110001111101110010000101011001001010",
            "100011111011100100001010110010010110",
            "000111110111001000010101100100101110",
            "001111101110010000101011001001011100",
            "011111011100100001010110010010111000",
            "111110111001000010101100100101110000",
            "111101110010000101011001001011100010",
            "111011100100001010110010010111000110",
            "110111001000010101100100101110001110",
            "101110010000101011001001011100011110",
            "011100100001010110010010111000111110",
            "111001000010101100100101110001111100",
            "110010000101011001001011100011111010",
            "100100001010110010010111000111110110",
            "001000010101100100101110001111101110",
            "010000101011001001011100011111011100",
            "100001010110010010111000111110111000",
            "000010101100100101110001111101110010",
            "000101011001001011100011111011100100",
            "001010110010010111000111110111001000",
            "010101100100101110001111101110010000",
            "101011001001011100011111011100100000",
            "010110010010111000111110111001000010",
            "101100100101110001111101110010000100",
            "011001001011100011111011100100001010",
            "110010010111000111110111001000010100",
            "100100101110001111101110010000101010",
            "001001011100011111011100100001010110",
            "010010111000111110111001000010101100",
            "100101110001111101110010000101011000",
            "001011100011111011100100001010110010",
        ],
    ]
}
