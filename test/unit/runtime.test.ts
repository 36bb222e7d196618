describe('Runtime', () => {
  it('runs on Node 22, the Lambda runtime the stack deploys', () => {
    // Act & Assess
    expect(process.versions.node).toMatch(/^22\./);
  });
});
