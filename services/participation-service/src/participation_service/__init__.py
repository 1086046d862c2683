"""SmartGov participation: consultations, contributions, supports, surveys, results."""
