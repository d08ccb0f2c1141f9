"""auth expects no other module's keeper: accounts and auth params are self-contained."""
