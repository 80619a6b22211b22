console.log("The demo lands with issue #9.");
