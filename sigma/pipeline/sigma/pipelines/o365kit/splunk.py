"""o365kit's Sigma field convention, rewritten for Splunk searches over Management Activity JSON.

Audit records keep some facts in arrays of Name/Value objects (`Parameters`,
`OperationProperties`, `ExtendedProperties`, `DeviceProperties`). o365kit's detections name
one entry with a dotted field, `Parameters.ForwardingSmtpAddress`, the way Elastic's Office 365
integration flattens them. Splunk's JSON extraction (KV_MODE = json) does not flatten by name:
it yields the multivalue fields `Parameters{}.Name` and `Parameters{}.Value`. This pipeline
pairs them (`mvzip`, "Name=Value") into `o365kit_kv_Parameters` and turns a test of
`Parameters.X` into a test of that field's values starting with `X=`, which Splunk's search
matches against any value of a multivalue field. Keys of arrays of objects (`Actor.ID`) map to
Splunk's `Actor{}.ID`. `ModifiedProperties` entries carry a Name and two values:
`ModifiedProperties.X.NewValue` pairs Name with NewValue into `o365kit_kv_ModifiedProperties_NewValue`
the same way (OldValue likewise). Site values of `|expand` placeholders come from o365kit's
`mappings/environment.yaml`, which is itself a pySigma pipeline: pass it with a second `-p`.

    sigma convert -t splunk -p o365kit_splunk -p mappings/environment.yaml mappings/detections
"""

import re
from dataclasses import dataclass
from typing import Optional

from sigma.exceptions import SigmaTransformationError
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline, QueryPostprocessingItem
from sigma.processing.postprocessing import QueryPostprocessingTransformation
from sigma.processing.transformations.base import DetectionItemTransformation
from sigma.processing.transformations.fields import FieldMappingTransformation
from sigma.rule import SigmaDetectionItem
from sigma.types import SigmaExists, SigmaString, SpecialChars

# The arrays of Name/Value entries, and the arrays of objects whose keys a rule may read.
NAME_VALUE_ARRAYS = ("Parameters", "OperationProperties", "ExtendedProperties", "DeviceProperties")
OBJECT_ARRAY_KEYS = {
    "Actor": ("ID", "Type"),
    "Target": ("ID", "Type"),
    "AffectedItems": ("Id", "Subject", "InternetMessageId"),
    "ModifiedProperties": ("Name", "NewValue", "OldValue"),
    "Parameters": ("Name", "Value"),
    "OperationProperties": ("Name", "Value"),
    "ExtendedProperties": ("Name", "Value"),
    "DeviceProperties": ("Name", "Value"),
}
# The arrays whose entries carry a Name and several values, read as `Array.Name.ValueKey`.
NAMED_MULTI_VALUE_ARRAYS = {"ModifiedProperties": ("NewValue", "OldValue")}
FIELDREF = re.compile(r"'([^']+)'='([^']+)'")


def paired_field(array: str, value_key: str) -> str:
    """The `mvzip` of an array's Name with one of its value keys."""
    return f"o365kit_kv_{array}" if value_key == "Value" else f"o365kit_kv_{array}_{value_key}"


PAIRED_ARRAYS = [(a, "Value") for a in NAME_VALUE_ARRAYS] + [
    (a, k) for a, keys in NAMED_MULTI_VALUE_ARRAYS.items() for k in keys
]


def named_entry(field_name: Optional[str]):
    """(array, entry name, value key) for `Parameters.X` or `ModifiedProperties.X.NewValue`,
    where X is not a key of the entries. Entry names hold dots themselves (`Role.DisplayName`)."""
    if not field_name or "." not in field_name:
        return None
    array, name = field_name.split(".", 1)
    if array in NAMED_MULTI_VALUE_ARRAYS:
        name, _, value_key = name.rpartition(".")
        if not name or value_key not in NAMED_MULTI_VALUE_ARRAYS[array]:
            return None
        return array, name, value_key
    if array not in NAME_VALUE_ARRAYS or name in OBJECT_ARRAY_KEYS[array]:
        return None
    return array, name, "Value"


@dataclass
class NamedEntryTransformation(DetectionItemTransformation):
    """`Parameters.X: v` becomes `o365kit_kv_Parameters: "X=v"` (`|exists: true`: `"X=*"`)."""

    def apply_detection_item(self, detection_item: SigmaDetectionItem):
        if detection_item.field in NAME_VALUE_ARRAYS:
            return self.whole_array(detection_item)
        entry = named_entry(detection_item.field)
        if entry is None:
            return None
        array, name, value_key = entry
        values = []
        for value in detection_item.value:
            if isinstance(value, SigmaExists):
                if not value.exists:
                    # "no entry named X" is not a test of any one value; Splunk would need NOT.
                    raise SigmaTransformationError(
                        f"{detection_item.field}|exists: false is not supported by the o365kit_splunk pipeline"
                    )
                values.append(SigmaString(name + "=*"))
            elif isinstance(value, SigmaString):
                values.append(SigmaString(name + "=") + value)
            else:
                raise SigmaTransformationError(
                    f"{detection_item.field}: {type(value).__name__} values are not supported by the o365kit_splunk pipeline"
                )
        return self.paired(detection_item, paired_field(array, value_key), values)

    def whole_array(self, detection_item: SigmaDetectionItem):
        """SigmaHQ's `Parameters|contains: x`: some entry's "Name=Value" contains x."""
        for value in detection_item.value:
            if not (isinstance(value, SigmaString) and value.startswith(SpecialChars.WILDCARD_MULTI)
                    and value.endswith(SpecialChars.WILDCARD_MULTI)):
                raise SigmaTransformationError(
                    f"{detection_item.field}: only 'contains' tests of a whole Name/Value array are supported by the o365kit_splunk pipeline"
                )
        return self.paired(detection_item, paired_field(detection_item.field, "Value"), list(detection_item.value))

    @staticmethod
    def paired(detection_item: SigmaDetectionItem, field: str, values):
        return SigmaDetectionItem(
            field=field,
            modifiers=[],
            value=values,
            value_linking=detection_item.value_linking,
            source=detection_item.source,
        )


@dataclass
class PairArraysTransformation(QueryPostprocessingTransformation):
    """Puts the records' macro and the `mvzip` of every paired array the query reads before it.

    The macros are the o365kit Splunk app's: `o365kit_source` for the audit records,
    `o365kit_messagetrace_source` for `service: message_trace`.
    """

    def apply(self, rule, query):
        super().apply(rule, query)
        # A correlation's query is built from its rules' queries, which already carry theirs.
        if query.startswith("|") or query.startswith("`"):
            return query
        service = getattr(getattr(rule, "logsource", None), "service", None)
        macro = "`o365kit_messagetrace_source`" if service == "message_trace" else "`o365kit_source`"
        evals = "".join(
            f" | eval {paired_field(a, k)}=mvzip('{a}{{}}.Name', '{a}{{}}.{k}', \"=\")"
            for a, k in PAIRED_ARRAYS
            if re.search(re.escape(paired_field(a, k)) + r"\b", query)
        )
        # Sigma compares values case-insensitively, fieldref included; the backend's
        # `| where 'A'='B'` is case-sensitive, and UPNs differ in case between fields.
        # Only in `where` stages, so that a quoted search value is never rewritten.
        stages = query.split("\n| where ")
        query = "\n| where ".join(stages[:1] + [FIELDREF.sub(r"lower('\1')=lower('\2')", s) for s in stages[1:]])
        return f"{macro}{evals} | search {query}"


def o365kit_splunk_pipeline() -> ProcessingPipeline:
    entry_keys = {
        f"{array}.{key}": f"{array}{{}}.{key}" for array, keys in OBJECT_ARRAY_KEYS.items() for key in keys
    }
    return ProcessingPipeline(
        name="o365kit: Management Activity Name/Value arrays for Splunk",
        allowed_backends=frozenset({"splunk"}),
        priority=20,
        items=[
            ProcessingItem(identifier="o365kit_named_entries", transformation=NamedEntryTransformation()),
            ProcessingItem(identifier="o365kit_entry_keys", transformation=FieldMappingTransformation(entry_keys)),
        ],
        postprocessing_items=[
            QueryPostprocessingItem(identifier="o365kit_pair_arrays", transformation=PairArraysTransformation()),
        ],
    )
