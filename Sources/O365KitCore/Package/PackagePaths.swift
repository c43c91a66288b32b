import Foundation

/// Paths of the packages, below the output folder. Each target adds the name of its own
/// archive (`PackagePaths.wazuh`, `PackagePaths.splunk`).
public enum PackagePaths {
    public static let folder = "packages/"
    public static let checksums = "packages/SHA256SUMS"
}
