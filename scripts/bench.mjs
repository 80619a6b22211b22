console.log("Benchmarks land with issues #3 and #10.");
