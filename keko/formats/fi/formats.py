# One way of writing dates everywhere, pages and admin alike: the short Finnish form that the
# site's own templates use ("3.12.2026", "3.12.2026 14.05"), where Django's Finnish default
# spells the month out ("3. joulukuuta 2026 klo 14.05") wherever a date is shown unformatted.
DATE_FORMAT = "j.n.Y"
DATETIME_FORMAT = "j.n.Y H.i"
SHORT_DATETIME_FORMAT = "j.n.Y H.i"
