"""What the console and the CLI show: rows of text cells with semantic tones, pure.

Built from the model (`console.model`) and shared by the UI (`console.ui`) and the text output
of the CLI (`console.commands`); it knows no Textual, no Rich and no SSH.
"""
