/// The version of the o365kit tool itself (not of a generated rule pack).
public let o365kitVersion = "0.1.0"
