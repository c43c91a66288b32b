"""pySigma's plugin discovery finds pipelines in the `pipelines` dict of `sigma.pipelines.*`."""

from .splunk import o365kit_splunk_pipeline

pipelines = {
    "o365kit_splunk": o365kit_splunk_pipeline,
}
