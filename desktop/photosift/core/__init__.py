"""Qt-free engine shared by the CLI and the GUI. Nothing under here may import Qt."""
