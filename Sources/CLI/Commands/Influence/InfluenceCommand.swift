/// `weasel influence`: the influence subcommands; run bare, it is `influence scores`.
let influenceCommand = Command(
    name: "influence",
    summary: "which LFs, votes and training rows help or hurt a trained model (influence functions)",
    options: influenceScoresCommand.options,
    subcommands: [
        influenceScoresCommand, influenceLFsCommand, explainCommand, mislabelsCommand, similarityCommand,
        improveCommand,
        validateCommand,
    ],
    run: influenceScoresCommand.run
)
