/// The release of disparity: the one version number that the command line's `--version`, the
/// manifest of `disparity run` and the exported notebook's metadata all read.
public enum Release {
    /// The version, as semantic versioning spells it.
    public static let version = "0.2.0"
}
