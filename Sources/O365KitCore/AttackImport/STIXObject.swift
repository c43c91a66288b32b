/// The fields of MITRE's ATT&CK STIX objects that the catalog needs. STIX 2.0 (`mitre/cti`)
/// and 2.1 (`mitre-attack/attack-stix-data`) bundles carry the same ones; everything else
/// (descriptions, groups, software, other relationships) is ignored.
struct STIXObject: Decodable {
    struct ExternalReference: Decodable {
        var sourceName: String?
        var externalID: String?

        enum CodingKeys: String, CodingKey {
            case sourceName = "source_name", externalID = "external_id"
        }
    }

    struct KillChainPhase: Decodable {
        var killChainName: String
        var phaseName: String

        enum CodingKeys: String, CodingKey {
            case killChainName = "kill_chain_name", phaseName = "phase_name"
        }
    }

    var type: String
    var id: String
    var name: String?
    var modified: String?
    var revoked: Bool?
    var deprecated: Bool?
    var isSubtechnique: Bool?
    var platforms: [String]?
    var domains: [String]?
    var externalReferences: [ExternalReference]?
    var killChainPhases: [KillChainPhase]?
    /// x-mitre-tactic: the phase name techniques use.
    var shortname: String?
    /// x-mitre-matrix: the tactics in matrix order.
    var tacticRefs: [String]?
    /// x-mitre-collection: the release (`18.1`).
    var version: String?
    var relationshipType: String?
    var sourceRef: String?
    var targetRef: String?

    enum CodingKeys: String, CodingKey {
        case type, id, name, modified, revoked
        case deprecated = "x_mitre_deprecated", isSubtechnique = "x_mitre_is_subtechnique", platforms = "x_mitre_platforms"
        case domains = "x_mitre_domains", externalReferences = "external_references", killChainPhases = "kill_chain_phases"
        case shortname = "x_mitre_shortname", tacticRefs = "tactic_refs", version = "x_mitre_version"
        case relationshipType = "relationship_type", sourceRef = "source_ref", targetRef = "target_ref"
    }

    /// The ATT&CK id (`T1078.004`, `TA0001`, `enterprise-attack`).
    var attackID: String? {
        externalReferences?.first { $0.sourceName == "mitre-attack" }?.externalID
    }
}

/// A STIX bundle: `{"type": "bundle", "id": …, "objects": […]}`.
struct STIXBundle: Decodable {
    var type: String
    var id: String?
    var objects: [STIXObject]
}
