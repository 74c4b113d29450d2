"""Reports people hand to an auditor or a biller: built from services, written as files; no Textual."""
