"""The shared kit every domain uses: one user-error type, one way to refuse a form, one acting user,
one clock. Domains import from here; the kit imports no domain."""
