"""A thin bar under the search field that says what a search's answer does not show.

Two things, each with its one-click way out:
- the relevance cut-off hid weaker results: "12 weaker results hidden  [Show them]" sets the
  match control to "Show all" (the user sees the change and can set it back);
- the model cannot read the query (another script, unknown words): the core's message, and
  [Switch to the Multilingual model] when it is downloaded, else [Get it in Settings…].
  Emoji kept in the query are said in a line without a button.

The bar hides itself when there is nothing to say, so an ordinary search costs no space.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from photosift.gui.search_controller import SearchDetails


class SearchNotice(QWidget):
    show_hidden = Signal()
    switch_model = Signal(str)  # the multilingual model's spec
    open_settings = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchNotice")
        self.query_label = QLabel(self)
        self.query_label.setWordWrap(True)
        self.switch_button = QPushButton(self.tr("Switch to the Multilingual model"), self)
        self.settings_button = QPushButton(self.tr("Get it in Settings…"), self)
        self.hidden_label = QLabel(self)
        self.show_button = QPushButton(self.tr("Show them"), self)
        self._spec = ""
        self.switch_button.clicked.connect(lambda: self.switch_model.emit(self._spec))
        self.settings_button.clicked.connect(self.open_settings)
        self.show_button.clicked.connect(self.show_hidden)

        query_row = QHBoxLayout()
        query_row.addWidget(self.query_label, 1)
        query_row.addWidget(self.switch_button)
        query_row.addWidget(self.settings_button)
        hidden_row = QHBoxLayout()
        hidden_row.addWidget(self.hidden_label)
        hidden_row.addWidget(self.show_button)
        hidden_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 4)
        layout.setSpacing(2)
        layout.addLayout(query_row)
        layout.addLayout(hidden_row)
        self.clear()

    def clear(self) -> None:
        self.show_details(SearchDetails(), "off")

    def show_details(self, details: SearchDetails, relevance: str) -> None:
        """Show what `details` says about the answer to a search at `relevance`."""
        self._spec = details.multilingual_spec
        text = " ".join(n.message for n in details.notices)
        if details.unreadable and not details.multilingual_cached:
            text += " " + self.tr("The Multilingual model is a download away in Settings → Model.")
        self.query_label.setText(text)
        self.query_label.setVisible(bool(text))
        self.switch_button.setVisible(details.unreadable and details.multilingual_cached)
        self.settings_button.setVisible(details.unreadable and not details.multilingual_cached)
        hidden = details.hidden if relevance != "off" else 0
        self.hidden_label.setText(
            self.tr("%n weaker result(s) hidden by the relevance control.", "", hidden)
        )
        self.hidden_label.setVisible(hidden > 0)
        self.show_button.setVisible(hidden > 0)
        self.setVisible(bool(text) or hidden > 0)
