"""Region codes (6-digit administrative division codes) and which region holds which host.

A code names a province (XX0000), a city (XXXX00) or a county (XXXXXX). A host is in a region
when the host's code starts with the region's code stripped of its trailing "00" pairs; equal
codes count, and an empty or all-zero code matches nothing.
"""


def region_prefix(code: str) -> str:
    """The significant part of a code: "36" for 360000, "3601" for 360100, "" for "" or 000000."""
    if len(code) != 6:
        return ""
    prefix = code
    while len(prefix) > 2 and prefix.endswith("00"):
        prefix = prefix[:-2]
    return "" if prefix == "00" else prefix


def region_contains(region: str, host_region: str) -> bool:
    """Whether a host whose unit lies in `host_region` is inside `region`."""
    prefix = region_prefix(region)
    return bool(prefix) and len(host_region) == 6 and host_region.startswith(prefix)
