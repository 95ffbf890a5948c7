"""Adapters between Wijkwijzer's flows and the outside world: Telegram and the terminal."""
