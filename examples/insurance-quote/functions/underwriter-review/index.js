// A high-risk quote gets a loading and a note from underwriting.
exports.handler = async (event) => {
  const { premium, factors } = event.stepInput;
  const loading = factors && factors.smoker ? 0.15 : 0.05;
  return {
    adjustedPremium: Math.round(premium * (1 + loading) * 100) / 100,
    loading,
    note: "Approved with a " + Math.round(loading * 100) + "% loading",
  };
};
