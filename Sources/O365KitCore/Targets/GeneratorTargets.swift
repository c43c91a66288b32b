/// The targets a build generates, in this order. Adding a target is adding its folder
/// under `Targets/` and a line here.
public enum GeneratorTargets {
    public static let all: [any GeneratorTarget] = [
        WazuhTarget(),
        SplunkTarget(),
        AttackTarget(),
    ]
}
