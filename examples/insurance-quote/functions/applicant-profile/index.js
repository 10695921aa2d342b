// Enriches the applicant with the facts pricing needs. Runs under aws-lambda-ric.
exports.handler = async (event) => {
  const { applicant, requestedAt } = event.stepInput;
  if (!applicant || !applicant.id) {
    throw new Error("applicant.id is required");
  }
  const year = Number(String(requestedAt || "").slice(0, 4)) || new Date().getUTCFullYear();
  return {
    applicantId: applicant.id,
    name: applicant.name,
    age: year - applicant.birthYear,
    smoker: Boolean(applicant.smoker),
    country: applicant.country,
    correlationId: event.correlationId,
  };
};
