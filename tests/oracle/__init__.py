"""The crm_mon truth oracle (see tests/oracle/crm_mon.py for the API)."""

from tests.oracle.crm_mon import (
    compare,
    crm_mon_available,
    crm_mon_xml,
    reference_document,
    star_fields,
)

__all__ = ["compare", "crm_mon_available", "crm_mon_xml", "reference_document", "star_fields"]
