"""The Lambda package: what `sam build` makes of the template, checked the way Lambda will load it."""
