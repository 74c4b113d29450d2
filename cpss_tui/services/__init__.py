"""Services: where the data layer's aggregate queries meet the pure rules (status, due board, reports).

No Textual here either; the UI and the command line both call these.
"""
