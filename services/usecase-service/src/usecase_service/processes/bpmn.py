"""BPMN 2.0 XML import and export of a process, so modelling tools can be used.

Pure functions. Parsing uses defusedxml: no DTDs, no entity expansion, no external
references, since the XML comes from clients.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # only builds XML; parsing goes through defusedxml
from collections.abc import Sequence
from itertools import pairwise

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from pydantic import ValidationError

from usecase_service.processes.schemas import MAX_STEPS, ProcessStep
from usecase_service.vocab import Channel

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SMARTGOV = "https://smartgov.example/ns/bpmn"
ET.register_namespace("bpmn", BPMN)
ET.register_namespace("smartgov", SMARTGOV)

TASK_TYPES = (
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "scriptTask",
    "sendTask",
    "receiveTask",
    "businessRuleTask",
)
TASK_FOR_CHANNEL = {
    Channel.AUTOMATED: "serviceTask",
    Channel.ONLINE_FORM: "userTask",
    Channel.EMAIL: "sendTask",
}
CHANNEL_FOR_TASK = {
    "serviceTask": Channel.AUTOMATED,
    "scriptTask": Channel.AUTOMATED,
    "businessRuleTask": Channel.AUTOMATED,
    "userTask": Channel.ONLINE_FORM,
    "sendTask": Channel.EMAIL,
    "receiveTask": Channel.EMAIL,
}
DEFAULT_CHANNEL = Channel.COUNTER


class BpmnError(ValueError):
    """The document is not a BPMN process we can read; the message says why."""


def _q(tag: str, ns: str = BPMN) -> str:
    return f"{{{ns}}}{tag}"


def _number(value: float) -> str:
    return f"{value:g}"


def export_process(steps: Sequence[ProcessStep], *, name: str, process_id: str) -> bytes:
    """One BPMN process: a lane per actor, start → tasks in order → end."""
    root = ET.Element(
        _q("definitions"), {"id": f"Definitions_{process_id}", "targetNamespace": SMARTGOV}
    )
    process = ET.SubElement(
        root, _q("process"), {"id": f"Process_{process_id}", "name": name, "isExecutable": "false"}
    )
    lanes = ET.SubElement(process, _q("laneSet"), {"id": "LaneSet_1"})
    lane_of: dict[str, ET.Element] = {}
    for i, step in enumerate(steps, start=1):
        if step.actor not in lane_of:
            lane_of[step.actor] = ET.SubElement(
                lanes, _q("lane"), {"id": f"Lane_{len(lane_of) + 1}", "name": step.actor}
            )
        ET.SubElement(lane_of[step.actor], _q("flowNodeRef")).text = f"Task_{i}"
    ET.SubElement(process, _q("startEvent"), {"id": "Start"})
    for i, step in enumerate(steps, start=1):
        ET.SubElement(
            process,
            _q(TASK_FOR_CHANNEL.get(step.channel, "manualTask")),
            {
                "id": f"Task_{i}",
                "name": step.name,
                _q("channel", SMARTGOV): step.channel.value,
                _q("processingMinutes", SMARTGOV): _number(step.processing_minutes),
                _q("waitingDays", SMARTGOV): _number(step.waiting_days),
                _q("mediaBreak", SMARTGOV): "true" if step.media_break else "false",
            },
        )
    ET.SubElement(process, _q("endEvent"), {"id": "End"})
    nodes = ["Start", *[f"Task_{i}" for i in range(1, len(steps) + 1)], "End"]
    for i, (source, target) in enumerate(pairwise(nodes), start=1):
        ET.SubElement(
            process,
            _q("sequenceFlow"),
            {"id": f"Flow_{i}", "sourceRef": source, "targetRef": target},
        )
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def import_process(document: bytes) -> list[ProcessStep]:
    """The tasks of the first process, in sequence-flow order from the start event
    (tasks the walk does not reach follow in document order)."""
    try:
        root = SafeET.fromstring(document)
    except DefusedXmlException as exc:
        raise BpmnError(f"forbidden XML construct: {type(exc).__name__}") from exc
    except ET.ParseError as exc:
        raise BpmnError(f"not well-formed XML: {exc}") from exc
    if root.tag != _q("definitions"):
        raise BpmnError("the root element must be bpmn:definitions (BPMN 2.0 model namespace)")
    process = root.find(_q("process"))
    if process is None:
        raise BpmnError("no bpmn:process element")

    tasks = {
        el.get("id", ""): el
        for el in process
        if el.tag in {_q(t) for t in TASK_TYPES} and el.get("id")
    }
    if len(tasks) > MAX_STEPS:
        raise BpmnError(f"more than {MAX_STEPS} tasks")
    actor_of: dict[str, str] = {}
    for lane in process.iter(_q("lane")):
        for ref in lane.findall(_q("flowNodeRef")):
            actor_of.setdefault((ref.text or "").strip(), lane.get("name") or lane.get("id", ""))
    return [_step(tasks[task_id], actor_of.get(task_id)) for task_id in _order(process, tasks)]


def _order(process: ET.Element, tasks: dict[str, ET.Element]) -> list[str]:
    outgoing: dict[str, list[str]] = {}
    for flow in process.iter(_q("sequenceFlow")):
        outgoing.setdefault(flow.get("sourceRef", ""), []).append(flow.get("targetRef", ""))
    starts = [el.get("id", "") for el in process.iter(_q("startEvent"))]
    ordered: list[str] = []
    seen: set[str] = set()
    queue = list(starts)
    while queue:
        node = queue.pop(0)
        if node in seen:
            continue
        seen.add(node)
        if node in tasks:
            ordered.append(node)
        queue.extend(outgoing.get(node, []))
    return ordered + [task_id for task_id in tasks if task_id not in seen]


def _step(task: ET.Element, actor: str | None) -> ProcessStep:
    local = task.tag.split("}", 1)[-1]
    channel = task.get(_q("channel", SMARTGOV)) or CHANNEL_FOR_TASK.get(local, DEFAULT_CHANNEL)
    try:
        return ProcessStep(
            name=(task.get("name") or task.get("id") or "step").strip()[:200] or "step",
            actor=(actor or "unassigned").strip()[:200] or "unassigned",
            channel=channel,
            processing_minutes=task.get(_q("processingMinutes", SMARTGOV)) or 0,
            waiting_days=task.get(_q("waitingDays", SMARTGOV)) or 0,
            media_break=task.get(_q("mediaBreak", SMARTGOV), "false") == "true",
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise BpmnError(f"task {task.get('id')}: {problems}") from exc
