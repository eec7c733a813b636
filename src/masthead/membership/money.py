"""Amounts as readers read them: minor units in, "£12.50" out."""

SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€"}


def format_money(amount_minor: int, currency: str) -> str:
    major = f"{amount_minor / 100:,.2f}".removesuffix(".00")
    symbol = SYMBOLS.get(currency.upper())
    return f"{symbol}{major}" if symbol else f"{major} {currency.upper()}"
