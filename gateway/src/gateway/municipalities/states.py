"""German federal states: the first two digits of a regional key (ARS/AGS) name the state."""

STATE_BY_PREFIX = {
    "01": "SH",
    "02": "HH",
    "03": "NI",
    "04": "HB",
    "05": "NW",
    "06": "HE",
    "07": "RP",
    "08": "BW",
    "09": "BY",
    "10": "SL",
    "11": "BE",
    "12": "BB",
    "13": "MV",
    "14": "SN",
    "15": "ST",
    "16": "TH",
}
STATES = frozenset(STATE_BY_PREFIX.values())
