"""Process comparison and BPMN import/export (pure)."""

from __future__ import annotations

import pytest

from usecase_service import demo
from usecase_service.processes.bpmn import BpmnError, export_process, import_process
from usecase_service.processes.comparison import compare, handovers
from usecase_service.processes.schemas import ProcessStep

AS_IS = [ProcessStep(**s) for s in demo.REGISTRATION["process"]["as_is"]]
TARGET = [ProcessStep(**s) for s in demo.REGISTRATION["process"]["target"]]


def test_comparison_worked_example():
    result = compare(AS_IS, TARGET, cases_per_year=12000, wage_rate=60.0)
    # as-is: 3+15+3+4 = 25 min, 14 waiting days; target: 0+0+6 = 6 min, 1 waiting day
    assert (result.steps_before, result.steps_after, result.steps_removed) == (4, 3, 1)
    # actors: Bürger → Bürgeramt ×3 : 1 handover; target: 3 actors in a row: 2 handovers
    assert (result.handovers_before, result.handovers_after) == (1, 2)
    assert result.handovers_removed == -1
    assert (result.media_breaks_before, result.media_breaks_after) == (2, 0)
    assert result.effort_minutes_before == 25
    assert result.effort_minutes_after == 6
    assert result.lead_time_days_before == pytest.approx(14 + 25 / 480, abs=0.01)
    assert result.lead_time_days_after == pytest.approx(1 + 6 / 480, abs=0.01)
    assert result.hours_saved_per_year == pytest.approx(19 / 60 * 12000)
    assert result.euros_saved_per_year == pytest.approx(19 / 60 * 12000 * 60.0)


def test_handovers_count_changes_of_actor():
    steps = [
        ProcessStep(name=str(i), actor=a, channel="paper", processing_minutes=1)
        for i, a in enumerate("AABAC")
    ]
    assert handovers(steps) == 3
    assert handovers([]) == 0


def test_bpmn_round_trip():
    document = export_process(AS_IS, name="Anmeldung <Ist> & mehr", process_id="x")
    assert document.startswith(b"<?xml")
    assert b"bpmn:definitions" in document
    assert import_process(document) == AS_IS


def test_bpmn_from_a_modelling_tool_follows_the_flow_and_lanes():
    document = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <process id="p">
    <laneSet><lane id="l1" name="Bürgeramt"><flowNodeRef>t2</flowNodeRef></lane>
      <lane id="l2" name="Bürger"><flowNodeRef>t1</flowNodeRef></lane></laneSet>
    <endEvent id="e"/>
    <serviceTask id="t2" name="Prüfen"/>
    <userTask id="t1" name="Antrag stellen"/>
    <startEvent id="s"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="t1"/>
    <sequenceFlow id="f2" sourceRef="t1" targetRef="t2"/>
    <sequenceFlow id="f3" sourceRef="t2" targetRef="e"/>
  </process>
</definitions>""".encode()
    steps = import_process(document)
    assert [(s.name, s.actor, s.channel.value) for s in steps] == [
        ("Antrag stellen", "Bürger", "online_form"),
        ("Prüfen", "Bürgeramt", "automated"),
    ]


@pytest.mark.parametrize(
    "document",
    [
        b"not xml",
        b"<root/>",
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>',
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">&b;</definitions>',
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</definitions>',
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        b' xmlns:s="https://smartgov.example/ns/bpmn"><process id="p">'
        b'<task id="t" name="x" s:processingMinutes="-5"/></process></definitions>',
    ],
)
def test_bad_bpmn_is_refused(document):
    with pytest.raises(BpmnError):
        import_process(document)
