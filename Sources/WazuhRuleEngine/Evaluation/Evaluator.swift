import Foundation

/// Evaluates decoded events against a `RuleSet` the way analysisd's rule phase does,
/// keeping correlation state (`if_matched_sid`, `frequency`, `ignore`) across events.
///
/// Per event: top-level rules are tried in order; a matching rule tries its children (sorted
/// by level, level 0 first) depth-first and the first match wins; a matching `noalert` rule
/// with no matching child lets its next sibling be tried. A condition on a missing field
/// fails, even negated. `if_matched_sid` counts earlier events, newest first, within
/// `timeframe` seconds of the current one, whose final rule was that sid.
///
/// Remembered events are shared between copies of an evaluator; give each thread (and each
/// independent replay) its own `Evaluator(ruleSet:)`.
public struct Evaluator: Sendable {
    private let program: EvaluationProgram
    private var state: CorrelationState

    /// Prepares `ruleSet` for evaluation. `memorySize` is the manager's `<global><memory_size>`:
    /// how many earlier alerts correlation rules can see.
    public init(ruleSet: RuleSet, memorySize: Int = 8192) {
        program = EvaluationProgram(ruleSet)
        state = CorrelationState(program, memorySize: memorySize)
    }

    /// Evaluates one event received at `time` and returns the rule it ends at, or nil
    /// when no rule matches. Events must be given in time order.
    public mutating func evaluate(_ event: DecodedEvent, at time: Date) -> Alert? {
        let now = Int64(time.timeIntervalSince1970.rounded(.down))
        let walk = Walk(program: program, event: event, now: now)
        guard let path = walk.run(&state), let last = path.last else { return nil }
        let ruleIndex = Int(program.nodeRule[Int(last)])
        let rule = program.rules[ruleIndex]
        let chain = path.map { program.rules[Int(program.nodeRule[Int($0)])].id }
        func alert(_ generates: Bool) -> Alert {
            Alert(ruleID: rule.id, level: rule.level, description: rule.description.expand(event),
                  groups: rule.groups, mitreIDs: rule.mitreIDs, chain: chain, generatesAlert: generates)
        }
        // As analysisd: level 0 ends here; `ignore` may suppress; then the event is remembered
        // for rules that correlate on this one.
        if rule.level == 0 { return alert(false) }
        if rule.ignore > 0 {
            if let since = state.timeIgnored[ruleIndex] {
                if now - since < rule.ignore { return alert(false) }
                state.timeIgnored[ruleIndex] = nil
            } else {
                state.timeIgnored[ruleIndex] = now
            }
        }
        let remembered = program.keepsHistory[ruleIndex] ? walk.currentEntry() : nil
        state.memory.remember(remembered, now: now)
        if let remembered {
            state.record(remembered, in: ruleIndex, program: program, now: now)
        }
        return alert(true)
    }

    /// Evaluates events in order, each with its time, and returns one result per event.
    public mutating func evaluate<Events: Sequence>(_ events: Events) -> [Alert?]
    where Events.Element == (event: DecodedEvent, time: Date) {
        events.map { evaluate($0.event, at: $0.time) }
    }
}
