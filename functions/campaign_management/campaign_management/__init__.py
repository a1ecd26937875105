"""Campaign Management bounded context: permissions from contracts, campaigns, budgets, performance."""
