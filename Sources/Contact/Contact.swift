// Contact
