#!/usr/bin/env python3
"""Validates CycloneDX JSON files with cyclonedx-python-lib's strict JSON
validator (an implementation independent of the tests' jsonschema crate),
at the spec version each file declares. Prints the first line of each
error; exits 1 if any file is invalid."""
import json, sys
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

VERSIONS = {"1.6": SchemaVersion.V1_6, "1.5": SchemaVersion.V1_5, "1.4": SchemaVersion.V1_4}
bad = 0
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    spec = json.loads(text).get("specVersion")
    error = JsonStrictValidator(VERSIONS[spec]).validate_str(text)
    if error is None:
        print(f"valid CycloneDX {spec}: {path}")
    else:
        bad += 1
        print(f"INVALID CycloneDX {spec}: {path}: {str(error).splitlines()[0]}")
sys.exit(1 if bad else 0)
