let experimentCommand = Command(
    name: "experiment",
    summary: "reproduce experiments of the papers",
    subcommands: [robustnessCommand, detectErrorsCommand]
)
