"""The counter console's Qt shell: console window, dialogs, resident's evaluation screen, devices."""
