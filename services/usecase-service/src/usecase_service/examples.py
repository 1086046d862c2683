"""Examples for the use-case documents: the demo's parking use case (`demo.PARKING`) as
Beispielhausen adopted it from Musterstadt, with the figures the service computes for it
(default municipal parameters). FastAPI drops `null` from examples, so every nullable field
that is required carries a value here."""

from __future__ import annotations

from typing import Any

from usecase_service import demo

# The six steps' inputs are the demo's own (one source for both); the assessment below spells
# its line items out year by year.
PROBLEM_EXAMPLE: dict[str, Any] = demo.PARKING["problem"]
PROCESS_EXAMPLE: dict[str, Any] = demo.PARKING["process"]
BENEFITS_EXAMPLE: dict[str, Any] = demo.PARKING["benefits"]
REQUIREMENTS_EXAMPLE: dict[str, Any] = demo.PARKING["requirements"]
SERVICES_EXAMPLE: dict[str, Any] = demo.PARKING["services"]

ASSESSMENT_EXAMPLE: dict[str, Any] = {
    "base_year": 2026,
    "horizon_years": 8,
    "risk_surcharge": 0.1,
    "line_items": [
        {
            "year": 2026,
            "kind": "development_cost",
            "amount": 180000.0,
            "budget_relevant": True,
            "description": "Sensoren",
        },
        {
            "year": 2026,
            "kind": "development_cost",
            "amount": 25000.0,
            "budget_relevant": True,
            "description": "Plattform",
        },
        {
            "year": 2027,
            "kind": "operating_cost",
            "amount": 22000.0,
            "budget_relevant": True,
            "description": "Wartung und Netz",
        },
        {
            "year": 2028,
            "kind": "operating_cost",
            "amount": 22000.0,
            "budget_relevant": True,
            "description": "Wartung und Netz",
        },
        {
            "year": 2029,
            "kind": "operating_cost",
            "amount": 22000.0,
            "budget_relevant": True,
            "description": "Wartung und Netz",
        },
        {
            "year": 2030,
            "kind": "operating_cost",
            "amount": 22000.0,
            "budget_relevant": True,
            "description": "Wartung und Netz",
        },
        {
            "year": 2031,
            "kind": "operating_cost",
            "amount": 22000.0,
            "budget_relevant": True,
            "description": "Wartung und Netz",
        },
        {
            "year": 2032,
            "kind": "operating_cost",
            "amount": 22000.0,
            "budget_relevant": True,
            "description": "Wartung und Netz",
        },
        {
            "year": 2033,
            "kind": "operating_cost",
            "amount": 22000.0,
            "budget_relevant": True,
            "description": "Wartung und Netz",
        },
        {
            "year": 2027,
            "kind": "operating_benefit",
            "amount": 38000.0,
            "budget_relevant": True,
            "description": "Personalaufwand",
        },
        {
            "year": 2028,
            "kind": "operating_benefit",
            "amount": 38000.0,
            "budget_relevant": True,
            "description": "Personalaufwand",
        },
        {
            "year": 2029,
            "kind": "operating_benefit",
            "amount": 38000.0,
            "budget_relevant": True,
            "description": "Personalaufwand",
        },
        {
            "year": 2030,
            "kind": "operating_benefit",
            "amount": 38000.0,
            "budget_relevant": True,
            "description": "Personalaufwand",
        },
        {
            "year": 2031,
            "kind": "operating_benefit",
            "amount": 38000.0,
            "budget_relevant": True,
            "description": "Personalaufwand",
        },
        {
            "year": 2032,
            "kind": "operating_benefit",
            "amount": 38000.0,
            "budget_relevant": True,
            "description": "Personalaufwand",
        },
        {
            "year": 2033,
            "kind": "operating_benefit",
            "amount": 38000.0,
            "budget_relevant": True,
            "description": "Personalaufwand",
        },
        {
            "year": 2027,
            "kind": "operating_benefit",
            "amount": 24000.0,
            "budget_relevant": False,
            "description": "",
        },
        {
            "year": 2028,
            "kind": "operating_benefit",
            "amount": 24000.0,
            "budget_relevant": False,
            "description": "",
        },
        {
            "year": 2029,
            "kind": "operating_benefit",
            "amount": 24000.0,
            "budget_relevant": False,
            "description": "",
        },
        {
            "year": 2030,
            "kind": "operating_benefit",
            "amount": 24000.0,
            "budget_relevant": False,
            "description": "",
        },
        {
            "year": 2031,
            "kind": "operating_benefit",
            "amount": 24000.0,
            "budget_relevant": False,
            "description": "",
        },
        {
            "year": 2032,
            "kind": "operating_benefit",
            "amount": 24000.0,
            "budget_relevant": False,
            "description": "",
        },
        {
            "year": 2033,
            "kind": "operating_benefit",
            "amount": 24000.0,
            "budget_relevant": False,
            "description": "",
        },
    ],
    "criteria": [
        {
            "category": "Q",
            "name": "Beitrag zur Klimaschutzstrategie",
            "weight": 30.0,
            "points": 8.0,
        },
        {"category": "Q", "name": "Baustein der Digitalstrategie", "weight": 20.0, "points": 9.0},
        {
            "category": "E",
            "name": "Weniger Emissionen in der Innenstadt",
            "weight": 20.0,
            "points": 7.0,
        },
        {"category": "E", "name": "Erreichbarkeit für den Handel", "weight": 10.0, "points": 6.0},
        {"category": "D", "name": "Altgeräte ohne Wartungsvertrag", "weight": 20.0, "points": 5.0},
    ],
}

COMPARISON_EXAMPLE: dict[str, Any] = {
    "steps_before": 4,
    "steps_after": 3,
    "steps_removed": 1,
    "handovers_before": 1,
    "handovers_after": 2,
    "handovers_removed": -1,
    "media_breaks_before": 1,
    "media_breaks_after": 0,
    "media_breaks_removed": 1,
    "lead_time_days_before": 2.06,
    "lead_time_days_after": 0.01,
    "effort_minutes_before": 27.0,
    "effort_minutes_after": 5.0,
    "cases_per_year": 18000,
    "hours_saved_per_year": 6600.0,
    "wage_rate_eur_per_hour": 55.0,
    "euros_saved_per_year": 363000.0,
}

ASSESSMENT_RESULT_EXAMPLE: dict[str, Any] = {
    "discount_rate": 0.009,
    "discount_rate_source": "BMF nominal Kalkulationszinssatz, 0.9 % p.a. (as of 2023-07-07)",
    "present_value_benefits": 418788.54,
    "present_value_costs": 388962.62,
    "npv_total": 29825.92,
    "npv_budget_relevant": -132285.78,
    "benefit_cost_ratio": 1.0767,
    "investment": 225500.0,
    "yearly_net_saving": 37800.0,
    "simple_payback_years": 5.97,
    "discounted_payback_years": 6.16,
    "irr": 0.041651,
    "qualitative_score": 7.2,
    "scores_by_category": {"Q": 8.4, "E": 6.67, "D": 5.0},
    "urgency_score": 5.0,
    "strategic_score": 7.75,
    "recommendation_threshold": 6.0,
    "recommended": True,
    "recommendation_reason": "Recommended: the net present value is positive (29,825.92 EUR over "
    "8 years at 0.90 %); the qualitative score 7.20 of 10 (threshold "
    "6).",
    "flows": [
        {
            "year": 2026,
            "benefits": 0.0,
            "costs": 225500.0,
            "net": -225500.0,
            "discounted_net": -225500.0,
            "budget_relevant_net": -225500.0,
        },
        {
            "year": 2027,
            "benefits": 62000.0,
            "costs": 24200.0,
            "net": 37800.0,
            "discounted_net": 37462.83,
            "budget_relevant_net": 13800.0,
        },
        {
            "year": 2028,
            "benefits": 62000.0,
            "costs": 24200.0,
            "net": 37800.0,
            "discounted_net": 37128.68,
            "budget_relevant_net": 13800.0,
        },
        {
            "year": 2029,
            "benefits": 62000.0,
            "costs": 24200.0,
            "net": 37800.0,
            "discounted_net": 36797.5,
            "budget_relevant_net": 13800.0,
        },
        {
            "year": 2030,
            "benefits": 62000.0,
            "costs": 24200.0,
            "net": 37800.0,
            "discounted_net": 36469.28,
            "budget_relevant_net": 13800.0,
        },
        {
            "year": 2031,
            "benefits": 62000.0,
            "costs": 24200.0,
            "net": 37800.0,
            "discounted_net": 36143.98,
            "budget_relevant_net": 13800.0,
        },
        {
            "year": 2032,
            "benefits": 62000.0,
            "costs": 24200.0,
            "net": 37800.0,
            "discounted_net": 35821.59,
            "budget_relevant_net": 13800.0,
        },
        {
            "year": 2033,
            "benefits": 62000.0,
            "costs": 24200.0,
            "net": 37800.0,
            "discounted_net": 35502.07,
            "budget_relevant_net": 13800.0,
        },
    ],
}

ADOPTED_FROM_EXAMPLE: dict[str, Any] = {
    "id": "2f6b0c4e-8a1d-4e59-b3c7-5d9e0f1a2b3c",
    "municipality": "musterstadt",
    "title": "Digitales Parkraummanagement Innenstadt",
    "version": 12,
}
SUMMARY_EXAMPLE: dict[str, Any] = {
    "id": "6a1f3c1e-2b7d-4c1e-9a51-0d1f5e3b2a10",
    "municipality": "beispielhausen",
    "title": "Digitales Parkraummanagement Innenstadt",
    "summary": "Bodensensoren melden freie Stellplätze in Echtzeit; eine App lenkt "
    "Autofahrende direkt dorthin, das Ordnungsamt kontrolliert gezielt.",
    "field_of_action": "mobility",
    "tags": ["parken", "sensorik", "lorawan"],
    "owner": "Ordnungsamt Beispielhausen",
    "visibility": "internal",
    "priority": "must",
    "progress": 30,
    "status": "assessed",
    "revision": 1,
    "version": 9,
    "planned_start": "2027-03-01",
    "planned_end": "2028-06-30",
    "flagged": False,
    "npv_total": ASSESSMENT_RESULT_EXAMPLE["npv_total"],
    "benefit_cost_ratio": ASSESSMENT_RESULT_EXAMPLE["benefit_cost_ratio"],
    "supports": 0,
    "adopted_from": ADOPTED_FROM_EXAMPLE,
    "created_at": "2026-11-20T09:15:00Z",
    "updated_at": "2026-11-26T12:30:00Z",
}
DATA_REQUIREMENT_EXAMPLE: dict[str, Any] = {
    "id": "0b0e8f1c-1d0a-4a55-8f5e-0c3f1a2b3c4d",
    "dataset_id": "1c9a2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    "title": "Parkplatzbelegung in Echtzeit",
    "description": "Belegung je Stellplatz, minütlich",
    "open": True,
    "personal": False,
    "dataset_withdrawn": False,
    "dataset_title": "Parkplatzbelegung Innenstadt",
}
DETAIL_EXAMPLE: dict[str, Any] = {
    **SUMMARY_EXAMPLE,
    "problem": PROBLEM_EXAMPLE,
    "process": PROCESS_EXAMPLE,
    "benefits": BENEFITS_EXAMPLE,
    "requirements": REQUIREMENTS_EXAMPLE,
    "data_requirements": [DATA_REQUIREMENT_EXAMPLE],
    "services": SERVICES_EXAMPLE,
    "assessment": ASSESSMENT_EXAMPLE,
    "comparison": COMPARISON_EXAMPLE,
    "assessment_result": ASSESSMENT_RESULT_EXAMPLE,
    "missing": {
        "problem_defined": [],
        "process_defined": [],
        "benefits_defined": [],
        "requirements_defined": [],
        "services_defined": [],
        "assessed": [],
    },
    "participants": 0,
    "participation_results": [],
}
PARTICIPATION_RESULT_EXAMPLE: dict[str, Any] = {
    "process_id": "2d4c6e8a-0b1c-4d2e-8f3a-5b6c7d8e9f00",
    "title": "Digitale Parkraumsteuerung - Ihre Meinung",
    "summary": "142 Beiträge, Parken am Markt vorn.",
    "results": {
        "totals": {
            "contributions": 142,
            "supports": 618,
            "comments": 87,
            "participants": 231,
            "contributions_by_group": {"citizen": 121, "business": 17, "administration": 4},
            "supports_by_group": {"citizen": 540, "business": 71, "administration": 7},
        },
        "contributions": [
            {
                "id": "0c3f1f8e-0b2a-4c1e-9d55-0a1b2c3d4e5f",
                "kind": "problem",
                "title": "Parkplatzsuche am Marktplatz",
                "category": "Verkehr",
                "state": "accepted",
                "stakeholder_group": "citizen",
                "supports": 96,
                "supports_by_group": {"citizen": 88, "business": 8},
                "comments": 14,
                "answer": "Wird 2027 umgesetzt.",
            }
        ],
        "contributions_truncated": False,
        "surveys": [],
    },
}
HISTORY_EXAMPLE: dict[str, Any] = {
    "from_status": "services_defined",
    "to_status": "assessed",
    "reason": "Wirtschaftlichkeitsbetrachtung abgeschlossen",
    "actor": "editor-beispielhausen",
    "revision": 1,
    "at": "2026-11-26T12:30:00Z",
}
