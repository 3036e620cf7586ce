/// The `weasel` command tree.
let root = Command(
    name: "weasel",
    summary: "weak supervision with neural end models, label models and influence functions",
    subcommands: [
        compareCommand, trainCommand, predictCommand, influenceCommand, cleanCommand, experimentCommand, lfsCommand,
        labelCommand, applyCommand, reportCommand, syntheticCommand, demoCommand, benchCommand,
    ]
)
