"""The staff side: accounts, and (next) the designer, back-office and organisation admin."""
