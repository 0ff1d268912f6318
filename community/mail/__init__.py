"""Mail: letters in the recipient's language, an outbox and its sender, the links mails
carry (password reset, address check)."""
