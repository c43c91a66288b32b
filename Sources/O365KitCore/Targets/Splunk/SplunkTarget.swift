import Foundation

/// `output/splunk/<app id>/`: the Splunk app (lookups of the tables, automatic lookups, the
/// detections' saved searches) and its package `<app id>-<version>.tgz`.
public struct SplunkTarget: GeneratorTarget {
    public struct Translation: Sendable {
        public var lookups: [SplunkLookup]
        /// The detections' searches (`savedsearches.conf`), in key order.
        public var searches: [SplunkDetectionSearch]
    }

    public var name: String { "splunk" }

    public init() {}

    public func translate(_ plan: Void, model: GeneratorModel, ids: ResolvedIDs, diagnostics: DiagnosticCollector) -> Translation {
        Translation(lookups: splunkLookups(model.project), searches: splunkDetectionSearches(model.detections, catalog: model.project.catalog))
    }

    public func templates(_ translation: Translation) -> [String] {
        SplunkAppPaths.templates + (translation.searches.isEmpty ? [] : [SplunkAppPaths.savedSearchesTemplate])
    }

    public func render(_ translation: Translation, model: GeneratorModel, templates: TemplateSet, diagnostics: DiagnosticCollector) -> [RenderedFile] {
        let appID = model.project.settings.packageName
        let searches = translation.searches.isEmpty ? [] : [renderSavedSearches(translation.searches, appID: appID, templates: templates)]
        return renderSplunkApp(model.project, lookups: translation.lookups, templates: templates, hasSavedSearches: !searches.isEmpty) + searches
    }

    public func verify(_ files: [RenderedFile], _ translation: Translation, model: GeneratorModel, diagnostics: DiagnosticCollector) {
        diagnostics.emit(verifySplunkApp(files, appID: model.project.settings.packageName, outputRoot: model.outputRoot))
    }

    /// Splunk installs an app from an archive whose one folder is the app id.
    public func package(_ files: [RenderedFile], _ translation: inout Translation, model: GeneratorModel, templates: TemplateSet,
                        diagnostics: DiagnosticCollector) -> TargetPackage {
        let settings = model.project.settings
        let archive = !model.archives ? nil : O365KitCore.archive(files, below: SplunkAppPaths.root(settings.packageName), into: settings.packageName + "/",
                                          as: PackagePaths.splunk(settings), outputRoot: model.outputRoot, diagnostics: diagnostics)
        return TargetPackage(archive: archive)
    }
}

extension Generation {
    /// The detections' Splunk searches (`savedsearches.conf`).
    public var splunkSearches: [SplunkDetectionSearch] {
        guard let translation = translation(of: SplunkTarget.self) else { preconditionFailure("this build ran without the Splunk target") }
        return translation.searches
    }
}
