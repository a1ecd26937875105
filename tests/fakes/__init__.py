"""In-memory stand-ins for the contexts' ports, for fast use-case tests. Each passes the same contract
suite (tests/contract) as the adapter it stands for."""
