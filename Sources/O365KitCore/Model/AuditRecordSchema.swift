/// The top-level field names of the records a detection can read, to catch a rule written for
/// another schema (SigmaHQ's `eventSource`/`eventName` rules) or a typo, which would otherwise
/// become a search that never fires.
///
/// Management Activity fields are Microsoft's "Office 365 Management Activity API schema"
/// (common schema and the Entra ID, Exchange admin, mailbox, SharePoint/OneDrive, DLP, Security
/// & Compliance alert, Threat Intelligence, AIR, Teams, eDiscovery and Copilot schemas) plus
/// every field of the public samples in ../shared/o365-samples/; message trace fields are those
/// of the Reporting Web Service's MessageTrace report.
public enum AuditRecordSchema {
    public static let managementActivity: Set<String> = [
        // Common
        "Id", "RecordType", "CreationTime", "Operation", "OrganizationId", "UserType", "UserKey", "Workload",
        "ResultStatus", "ObjectId", "UserId", "ClientIP", "Scope", "AppAccessContext", "Version", "CorrelationId",
        // Entra ID (directory, sign-in)
        "AzureActiveDirectoryEventType", "ExtendedProperties", "ModifiedProperties", "Actor", "ActorContextId",
        "ActorIpAddress", "InterSystemsId", "IntraSystemId", "SupportTicketId", "Target", "TargetContextId",
        "ApplicationId", "DeviceProperties", "ErrorNumber", "ErrorCode", "LogonError",
        // Exchange admin
        "ExternalAccess", "OriginatingServer", "OrganizationName", "Parameters", "ModifiedObjectResolvedName",
        "AppId", "ClientAppId", "SessionId", "TokenObjectId", "TokenTenantId", "TokenType", "RequestId",
        // Mailbox audit
        "MailboxOwnerUPN", "MailboxOwnerSid", "MailboxOwnerMasterAccountSid", "MailboxGuid", "LogonType",
        "LogonUserSid", "LogonUserDisplayName", "InternalLogonType", "ClientInfoString", "ClientIPAddress",
        "ClientMachineName", "ClientProcessName", "ClientVersion", "OperationProperties", "Item", "Folder", "Folders",
        "AffectedItems", "DestFolder", "CrossMailboxOperations", "OperationCount", "DestMailboxId",
        "DestMailboxOwnerUPN", "DestMailboxOwnerSid", "DestMailboxOwnerMasterAccountSid", "SendAsUserSmtp",
        "SendAsUserMailboxGuid", "SendOnBehalfOfUserSmtp", "SendOnBehalfOfUserMailboxGuid", "MemberRights",
        "MemberSid", "MemberUpn", "SaveToSentItems",
        // SharePoint and OneDrive
        "Site", "ItemType", "EventSource", "UserAgent", "MachineDomainInfo", "MachineId", "ListId", "ListItemUniqueId",
        "WebId", "SiteUrl", "SourceRelativeUrl", "SourceFileName", "SourceFileExtension", "DestinationRelativeUrl",
        "DestinationFileName", "DestinationFileExtension", "UserSharedWith", "SharingType", "TargetUserOrGroupName",
        "TargetUserOrGroupType", "UniqueSharingId", "EventData", "CustomEvent", "ApplicationDisplayName",
        "AuthenticationType", "BrowserName", "BrowserVersion", "DeviceDisplayName", "DoNotDistributeEvent", "FromApp",
        "GeoLocation", "IsManagedDevice", "ListBaseType", "ListServerTemplate", "Platform", "SourceName",
        // The query of SearchQueryPerformed, as Elastic's integration indexes it
        // (detection-rules 14cf530, detection_rules/etc/non-ecs-schema.json).
        "SearchQueryText",
        // DLP and sensitivity labels
        "PolicyDetails", "SensitiveInfoDetectionIsIncluded", "SharePointMetaData", "ExchangeMetaData", "IncidentId",
        "SensitiveInfoTypeData", "SensitivityLabelEventData", "ProtectionEventData", "Common",
        // Security & Compliance alerts
        "AlertId", "AlertType", "Name", "PolicyId", "Status", "Severity", "Source", "Comments", "Data", "AlertEntityId",
        "EntityType", "AlertLinks", "Category",
        // Threat Intelligence: mail (TIMailData) and URL clicks
        "AttachmentData", "DetectionMethod", "DetectionType", "Directionality", "DeliveryAction", "EventDeepLink",
        "InternetMessageId", "MessageTime", "NetworkMessageId", "OriginalDeliveryLocation", "LatestDeliveryLocation",
        "P1Sender", "P2Sender", "Policy", "PolicyAction", "Recipients", "SenderIp", "Subject", "ThreatsAndDetectionTech",
        "Verdict", "SystemOverrides", "AuthDetails", "Connectors", "PhishConfidenceLevel", "UserIp", "AppName",
        "SourceId", "TimeOfClick", "Url", "UrlClickAction",
        // Automated investigation and response
        "InvestigationId", "InvestigationName", "InvestigationType", "LastUpdateTimeUtc", "StartTimeUtc",
        "DeepLinkUrl", "Actions",
        // Microsoft Teams
        "MessageId", "ChannelGuid", "ChannelName", "ChannelType", "TeamGuid", "TeamName", "Members", "AddOnType",
        "AddOnName", "AddonGuid", "TabType", "OldValue", "NewValue", "CommunicationType", "ChatThreadId", "ChatName",
        // Who takes part (HasForeignTenantUsers, HasGuestUsers, ParticipatingDomains …), in SEKOIA's
        // captured record Office 365/o365/tests/teams_with_foreign_tenant_users.json.
        "ParticipantInfo",
        // eDiscovery and compliance search
        "Case", "CaseId", "Query", "StartTime", "CmdletVersion", "EffectiveOrganization", "ObjectType",
        // Samples (../shared/o365-samples) and Copilot
        "AttachmentName", "AuthenticationMethod", "AuthenticationStatus", "Client", "ClientRegion", "CopilotEventData",
        "DataState", "LoginStatus", "OperationStatus", "Recipient", "Sender",
        "UserDomain",
    ]

    /// The MessageTrace report (Splunk's Microsoft Office 365 Reporting Add-on), `service: message_trace`.
    public static let messageTrace: Set<String> = [
        "MessageId", "MessageTraceId", "Received", "SenderAddress", "RecipientAddress", "Subject", "Status", "ToIP",
        "FromIP", "Size", "StartDate", "EndDate", "Organization", "Index",
    ]

    /// The fields a rule with this logsource can read.
    public static func fields(service: String?) -> Set<String> {
        service == "message_trace" ? messageTrace : managementActivity
    }

    /// The known field a misspelt one most likely meant: same letters in another case, or at
    /// most two edits away.
    public static func suggestion(for field: String, in known: Set<String>) -> String? {
        if let sameLetters = known.first(where: { $0.lowercased() == field.lowercased() }) { return sameLetters }
        let candidates = known.map { ($0, editDistance($0.lowercased(), field.lowercased())) }.filter { $0.1 <= 2 }
        return candidates.min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
    }
}

/// Levenshtein distance.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.utf8), b = Array(b.utf8)
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var previous = row[0]
        row[0] = i
        for j in 1...max(b.count, 1) where !b.isEmpty {
            let current = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
            previous = current
        }
    }
    return a.isEmpty ? b.count : row[b.count]
}
