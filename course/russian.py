"""Russian wording helpers for messages."""


def plural(n, one, few, many):
    """'1 файл', '2 файла', '5 файлов': the form of a noun after the number n."""
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        word = few
    else:
        word = many
    return f"{n} {word}"


def number(value):
    """A number of points the Russian way, to two decimals at most: '3', '2,5', '1,33'."""
    return f"{round(value, 2):g}".replace(".", ",")
