"""Issue 7 "Trustworthy records": crash safety, no PHI leaks, bad input counted."""
